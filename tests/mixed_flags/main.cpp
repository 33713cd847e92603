// The mixed-flags program: a plain file and an -mavx2 -mfma file of one program both use rectify
// (unit.cpp). Without the arch namespaces the linker keeps one copy of rectify's inline functions
// for both, so at -O0 the plain file runs (and reports) the AVX2 code, or the other way round,
// depending on the link order. Exit 0: each file ran its own arch; 77: skipped (no AVX2 + FMA
// here, after the plain unit passed); 1: a file ran the other's code or computed a wrong result.
#include <cstdio>
#include <cstring>

#include "unit.hpp"

static int check(const char* name, const mixed::unit_report& r) {
    const bool ok = std::strcmp(r.arch, r.expected) == 0 && r.wrong == 0;
    std::printf("%s unit: simd_arch_name() = %s (its flags: %s), simd_width<float> = %zu, %d wrong results: %s\n",
                name, r.arch, r.expected, r.width, r.wrong, ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}

int main() {
    // The plain unit first: on a CPU without AVX2 a wrongly shared copy dies right here.
    int failures = check("plain", mixed::plain());
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        std::printf("hot unit: skipped, this CPU has no AVX2 + FMA\n");
        return failures ? 1 : 77;
    }
    failures += check("hot", mixed::hot());
    return failures ? 1 : 0;
}
