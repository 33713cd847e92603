// #include <rectify/rectify.hpp> alone (tools/compile_time.sh).
#include <rectify/rectify.hpp>
int main() { return 0; }
