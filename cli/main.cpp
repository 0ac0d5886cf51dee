// tapecheck: gradient-correctness testing and fuzzing. `tapecheck --help` lists commands.
// Exit codes: 0 no mismatch, 1 a mismatch found, 2 bad input or usage, 4 a check stopped by a
// limit, 130/143 a campaign stopped by SIGINT/SIGTERM (cli/common.hpp, docs/cli.md).
#include <exception>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace {

std::string command_list(const CLI::App& app) {
  std::string out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    out += (out.empty() ? "" : ", ") + sub->get_name();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tapecheck: test and fuzz gradients of autodiff engines"};
  app.set_version_flag("--version", std::string("tapecheck ") + TAPECHECK_VERSION);
  app.require_subcommand(1);
  tc::cli::register_ops(app);
  tc::cli::register_replay(app);
  tc::cli::register_explain(app);
  tc::cli::register_campaign(app);
  tc::cli::register_report(app);
  tc::cli::register_engines(app);
  tc::cli::register_mutants(app);
  tc::cli::register_fuzz_input(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's own exit code; it printed what it had to say
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0 && app.get_subcommands().empty() && !app.get_option("--version")->count()) {
      // No command was recognised: say which exist rather than "A subcommand is required".
      const std::vector<std::string> rest = app.remaining();
      if (!rest.empty() && rest.front().rfind('-', 0) != 0)
        std::cerr << "tapecheck: unknown command '" << rest.front() << "'";
      else
        std::cerr << "tapecheck: a command is required";
      std::cerr << "; the commands are " << command_list(app) << " (tapecheck --help)\n";
      return tc::cli::kExitBadInput;
    }
    const int code = app.exit(e);  // prints help, the version, or the usage error
    return code == 0 ? 0 : tc::cli::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "tapecheck: internal error: " << e.what() << "\n";
    return tc::cli::kExitInternal;
  }
  return 0;
}
