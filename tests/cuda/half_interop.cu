// rectify::bfloat16 / rectify::half and CUDA's __nv_bfloat16 / __half have the same bits: std::bit_cast
// converts between them, and CUDA's host conversions agree with rectify's on every pattern (NaN
// payloads aside). Host code only: no GPU needed.
#include <rectify/half.hpp>

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <type_traits>

static_assert(sizeof(__nv_bfloat16) == 2 && std::is_trivially_copyable_v<__nv_bfloat16>);
static_assert(sizeof(__half) == 2 && std::is_trivially_copyable_v<__half>);

template <class S, class C, class ToFloat, class FromFloat>
int check(const char* name, ToFloat to_float, FromFloat from_float) {
    int failures = 0;
    for (std::uint32_t b = 0; b < 65536; ++b) {
        const S v = S::from_bits(static_cast<std::uint16_t>(b));
        const C c = std::bit_cast<C>(v);
        const float mine = static_cast<float>(v), theirs = to_float(c);
        const bool same_value = std::isnan(mine) ? std::isnan(theirs)
                                                 : std::bit_cast<std::uint32_t>(mine) == std::bit_cast<std::uint32_t>(theirs);
        const bool back = std::bit_cast<S>(c).bits() == v.bits();
        // From float: the midpoint above v (a tie) rounds the same way.
        bool tie = true;
        const float next = static_cast<float>(S::from_bits(static_cast<std::uint16_t>(b + 1)));
        if (b < 65535 && std::isfinite(mine) && std::isfinite(next) && (b & 0x7FFF) != 0x7FFF) {
            const float mid = mine + (next - mine) / 2;
            tie = std::bit_cast<std::uint16_t>(from_float(mid)) == S(mid).bits();
        }
        if (!(same_value && back && tie) && failures++ < 5)
            std::printf("%s: pattern 0x%04x: rectify %g, CUDA %g\n", name, b, static_cast<double>(mine), static_cast<double>(theirs));
    }
    return failures;
}

int main() {
    const int failures =
        check<rectify::bfloat16, __nv_bfloat16>("bfloat16", [](__nv_bfloat16 c) { return __bfloat162float(c); },
                                               [](float f) { return __float2bfloat16(f); }) +
        check<rectify::half, __half>("half", [](__half c) { return __half2float(c); },
                                     [](float f) { return __float2half(f); });
    std::printf("rectify and CUDA 16-bit types: %d mismatches over all 65536 patterns of each\n", failures);
    return failures == 0 ? 0 : 1;
}
