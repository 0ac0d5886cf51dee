// tapecheck: gradient-correctness testing and fuzzing. `tapecheck --help` lists commands.
// Exit codes: 0 no mismatch, 1 a mismatch found, 2 bad input or usage (cli/common.hpp).
#include <exception>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"

int main(int argc, char** argv) {
  CLI::App app{"tapecheck: test and fuzz gradients of autodiff engines"};
  app.require_subcommand(1);
  tc::cli::register_ops(app);
  tc::cli::register_replay(app);
  tc::cli::register_explain(app);
  tc::cli::register_campaign(app);
  tc::cli::register_report(app);
  tc::cli::register_engines(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's own exit code; it printed what it had to say
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, or the usage error
    return code == 0 ? 0 : tc::cli::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "tapecheck: internal error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
