// What each unit of the mixed-flags program reports (unit.cpp).
#pragma once

#include <cstddef>

namespace mixed {

struct unit_report {
    const char* arch;      // rectify::simd_arch_name() called from the unit
    const char* expected;  // the arch of the unit's own flags
    std::size_t width;     // rectify::simd_width<float> there
    int wrong;             // results that disagree with the scalar math
};

unit_report plain();  // default flags
unit_report hot();    // -mavx2 -mfma

}  // namespace mixed
