// Each subcommand lives in its own file and registers itself on the app.
#pragma once
#include <CLI/CLI.hpp>

namespace tc::cli {
void register_ops(CLI::App& app);
}  // namespace tc::cli
