// Numbers for people: finding details, the HTML report, the CLI. (Exact, re-readable spellings
// for graph files are graph::format_double's business.)
#pragma once
#include <string>

namespace tc {

// `digits` significant digits as printf's %g, but every NaN is "nan" (never "-nan"), infinities
// are "inf" / "-inf" and a zero of either sign is "0".
std::string format_number(double v, int digits = 6);

}  // namespace tc
