// The header-only reference for one arch: compiled with exactly the flags of that arch's object in
// rectify::dispatch (tests/dispatch/CMakeLists.txt), REFERENCE_NAME naming the function.
#include "reference.hpp"

#include "compute.hpp"

reference_result REFERENCE_NAME() {
    run r = run_all();
    return {r.arch, std::move(r.results)};
}
