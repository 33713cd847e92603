// The dispatch test: this program is built with the default flags and linked to rectify::dispatch,
// with the header-only references of every arch (reference.cpp) beside it. Run under
// RECTIFY_ARCH=sse2|avx2|avx512 (or unset: the widest), it checks that dispatch chose that arch
// and that every result is bit-identical to the header-only build for it.
//   dispatch_test            compare (exit 77: this CPU cannot run the arch asked for)
//   dispatch_test --error    RECTIFY_ARCH is invalid: every call must throw, naming the value
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "compute.hpp"
#include "reference.hpp"

namespace {

bool has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
bool has_avx512() {
    return has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
}

int expect_error() {
    const char* forced = std::getenv("RECTIFY_ARCH");
    const std::string value = forced ? forced : "";
    int failures = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {  // the first call and a later one
        try {
            std::vector<float> x(10), y(10);
            rectify::relu(x, y);
            std::printf("RECTIFY_ARCH=%s: relu ran, expected an error\n", value.c_str());
            ++failures;
        } catch (const std::runtime_error& e) {
            const bool named = std::string(e.what()).find("RECTIFY_ARCH=" + value) != std::string::npos;
            std::printf("RECTIFY_ARCH=%s: %s (%s)\n", value.c_str(), e.what(), named ? "ok" : "FAILED: value not named");
            failures += !named;
        }
    }
    return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    __builtin_cpu_init();
    if (argc > 1 && std::strcmp(argv[1], "--error") == 0) return expect_error();

    const char* forced = std::getenv("RECTIFY_ARCH");
    std::string want = forced && *forced ? forced : (has_avx512() ? "avx512" : has_avx2() ? "avx2" : "sse2");
    reference_result (*reference)() = nullptr;
    bool runs = true;
    if (want == "sse2") reference = reference_sse2;
    else if (want == "avx2") reference = reference_avx2, runs = has_avx2();
    else if (want == "avx512") reference = reference_avx512, runs = has_avx512();
    else {
        std::printf("unknown RECTIFY_ARCH=%s for this test\n", want.c_str());
        return 1;
    }
    if (!runs) {
        std::printf("%s: skipped, this CPU cannot run it\n", want.c_str());
        return 77;
    }

    const reference_result expected = reference();
    const run got = run_all();
    int failures = 0;
    std::printf("RECTIFY_ARCH=%s: dispatch runs %s, the header-only build for it reports %s\n",
                forced ? forced : "(unset)", got.arch, expected.arch);
    if (std::strcmp(got.arch, expected.arch) != 0) ++failures;
    std::printf("simd_width<float> = %zu, simd_width<double> = %zu\n", rectify::simd_width<float>,
                rectify::simd_width<double>);
    if (got.results.size() != expected.results.size()) {
        std::printf("result sizes differ: %zu and %zu bytes\n", got.results.size(), expected.results.size());
        return 1;
    }
    std::size_t differing = 0;
    for (std::size_t i = 0; i < got.results.size(); ++i) differing += got.results[i] != expected.results[i];
    std::printf("%zu result bytes compared, %zu differ\n", got.results.size(), differing);
    for (std::size_t i = 0, shown = 0; i < got.results.size() && shown < 8; ++i)
        if (got.results[i] != expected.results[i]) {
            std::printf("  byte %zu: dispatch 0x%02x, header-only 0x%02x\n", i, got.results[i], expected.results[i]);
            ++shown;
        }
    failures += differing != 0;

    // The argument checks run through dispatch too.
    try {
        std::vector<float> x(10), y(9);
        rectify::silu(x, y);
        std::printf("silu with sizes 10 and 9 did not throw\n");
        ++failures;
    } catch (const std::invalid_argument& e) {
        const bool named = std::string(e.what()).find("rectify::silu") != std::string::npos;
        std::printf("sizes 10 and 9: %s\n", e.what());
        failures += !named;
    }
    std::printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
