// The HTML report's stylesheet and script, inlined into every report (it fetches nothing).
#pragma once

namespace tc::reports::html {

// Screen and print styles. Print expands every collapsed group and hides the controls.
const char* report_css();

// Filters (engine, kind, oracle, op; also from the address: #filter?oracle=...&op=...), the
// copy and save buttons, and expanding every group before printing. The page is complete
// without it: every number and command is in the HTML.
const char* report_script();

// The Content-Security-Policy the report declares: nothing may be fetched.
const char* report_csp();

}  // namespace tc::reports::html
