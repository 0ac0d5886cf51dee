// Warnings (watching an integer tensor, some-None optimizer steps): collected per thread so
// tests and the CLI can read them; nothing is printed behind the caller's back.
#pragma once
#include <string>
#include <vector>

namespace tc {
void warn(std::string message);
std::vector<std::string> take_warnings();  // returns and clears this thread's warnings
}  // namespace tc
