// The header-only references of the dispatch test (reference.cpp).
#pragma once

#include <vector>

struct reference_result {
    const char* arch;
    std::vector<unsigned char> results;
};

reference_result reference_sse2();
reference_result reference_avx2();
reference_result reference_avx512();
