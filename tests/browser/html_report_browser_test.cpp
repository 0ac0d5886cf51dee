// The HTML report in a real browser. Headless Chromium opens a report with findings (the
// fixture of tests/reports) and the test reads what it made of it: the DOM after the page's
// script ran (groups, drawings, counts, the filter driven by the address), a screenshot (not
// blank), the network log (no request from the page), a printed PDF (every group open) and a
// probe for words broken mid-way.
// Each check is also run on a page built to fail it, so a check that cannot fail fails.
// Without Chromium every test is skipped, saying so.
#include <png.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "reports/graph_dot.hpp"
#include "reports/html_report.hpp"
#include "reports/report_model.hpp"
#include "chromium.hpp"
#include "report_fixture.hpp"

namespace tc::reports {
namespace {

namespace fs = std::filesystem;

using test::contains;
using test::count;
using test::find_chromium;
using test::quote;

class Browser : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::create_directories(artifacts());
    log_ = new FindingsLog(test::report_fixture());
    HtmlOptions opt;
    opt.title = "tapecheck report (browser test)";
    write_html_report(report(), *log_, opt);
  }
  static void TearDownTestSuite() {
    delete log_;
    log_ = nullptr;
  }
  void SetUp() override {
    chromium_ = find_chromium();
    if (chromium_.empty())
      GTEST_SKIP() << "no Chromium found (chromium, chromium-browser, google-chrome; or set TAPECHECK_CHROMIUM): "
                      "the report was not opened in a browser";
  }

  static std::string artifacts() { return TAPECHECK_BROWSER_ARTIFACTS; }
  static std::string report() { return artifacts() + "/report.html"; }
  static std::string url(const std::string& path, const std::string& fragment = "") {
    return "file://" + fs::absolute(path).string() + fragment;
  }
  static const FindingsLog& log() { return *log_; }

  // Runs headless Chromium with a fresh profile and no way to resolve a host; its stdout.
  std::string chromium(const std::string& args, int width = 1280, int height = 1800) const {
    return test::run_chromium(chromium_, args, width, height);
  }

  std::string dom(const std::string& page_url, int width = 1280) const {
    const std::string out = chromium("--dump-dom " + quote(page_url), width);
    EXPECT_TRUE(contains(out, "</html>")) << "no DOM from " << page_url;
    return out;
  }

  // A copy of the report with `extra` inserted before </body>.
  static std::string variant(const std::string& name, const std::string& extra) {
    std::string html = test::slurp(report());
    html.insert(html.rfind("</body>"), extra);
    const std::string path = artifacts() + "/" + name;
    std::ofstream(path) << html;
    return path;
  }

  std::string chromium_;
  static FindingsLog* log_;
};

FindingsLog* Browser::log_ = nullptr;

// The opening tags of the finding groups in a DOM.
std::vector<std::string> group_tags(const std::string& dom) {
  std::vector<std::string> tags;
  for (std::size_t at = dom.find("<details class=\"group "); at != std::string::npos;
       at = dom.find("<details class=\"group ", at + 1))
    tags.push_back(dom.substr(at, dom.find('>', at) - at));
  return tags;
}

std::size_t visible(const std::vector<std::string>& tags) {
  std::size_t n = 0;
  for (const std::string& t : tags) n += !contains(t, " hidden");
  return n;
}

// The text of the element with id `id` (no nested markup).
std::string text_of(const std::string& dom, const std::string& id) {
  const std::size_t at = dom.find("id=\"" + id + "\">");
  if (at == std::string::npos) return "";
  const std::size_t start = dom.find('>', at) + 1;
  return dom.substr(start, dom.find('<', start) - start);
}

std::string attribute(const std::string& dom, const std::string& name) {
  std::smatch m;
  if (std::regex_search(dom, m, std::regex(name + "=\"([^\"]*)\""))) return m[1];
  return "";
}

TEST_F(Browser, RendersEveryGroupWithItsDrawing) {
  const std::vector<FindingGroup> groups = group_findings(log());
  ASSERT_GE(groups.size(), 3u);
  std::size_t mismatches = 0;
  for (const FindingGroup& g : groups) mismatches += g.members.size();
  const std::string d = dom(url(report()));
  EXPECT_TRUE(contains(d, "<html lang=\"en\" class=\"js\""));  // the page's script ran
  const std::vector<std::string> tags = group_tags(d);
  EXPECT_EQ(tags.size(), groups.size());
  EXPECT_EQ(visible(tags), groups.size());
  EXPECT_EQ(text_of(d, "shown-groups"), std::to_string(groups.size()));
  EXPECT_EQ(text_of(d, "shown-findings"), std::to_string(mismatches));
  if (have_executable("dot"))
    EXPECT_EQ(count(d, "<figure class=\"graph-drawing\"><svg"), groups.size());  // one drawing per group
  else
    ADD_FAILURE() << "Graphviz dot is not installed: the drawings could not be checked";
  // Every representative's reproduce command is on the page as text.
  for (std::size_t i = 0; i < groups.size(); ++i)
    EXPECT_TRUE(contains(d, "<code id=\"cmd-g" + std::to_string(i + 1) + "\">tapecheck replay --engine ")) << i;
}

TEST_F(Browser, FilterFromTheAddress) {
  const std::vector<FindingGroup> groups = group_findings(log());
  struct Case {
    std::string fragment;
    std::function<bool(const FindingGroup&)> keep;
    std::string filter;  // as the page reads it back, keys in its order: engine, kind, oracle, op
  };
  const std::vector<Case> cases = {
      {"oracle=finite_difference", [](const FindingGroup& g) { return g.oracle == "finite_difference"; },
       "oracle=finite_difference"},
      {"kind=unexpected_none", [](const FindingGroup& g) { return g.kind == FindingKind::unexpected_none; },
       "kind=unexpected_none"},
      {"op=tanh&kind=wrong_value",
       [](const FindingGroup& g) {
         return g.kind == FindingKind::wrong_value &&
                std::find(g.op_path.begin(), g.op_path.end(), "tanh") != g.op_path.end();
       },
       "kind=wrong_value&amp;op=tanh"},
      {"engine=scaled",
       [](const FindingGroup& g) { return std::find(g.engines.begin(), g.engines.end(), "scaled") != g.engines.end(); },
       "engine=scaled"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.fragment);
    std::size_t expect_groups = 0, expect_findings = 0;
    for (const FindingGroup& g : groups) {
      if (!c.keep(g)) continue;
      ++expect_groups;
      for (const GroupMember& m : g.members)
        expect_findings += !contains(c.fragment, "engine=") || m.graph->engine == "scaled";
    }
    ASSERT_GT(expect_groups, 0u);
    ASSERT_LT(expect_groups, groups.size());  // the filter must hide something to be seen working
    const std::string d = dom(url(report(), "#filter?" + c.fragment));
    EXPECT_EQ(visible(group_tags(d)), expect_groups);
    EXPECT_EQ(text_of(d, "shown-groups"), std::to_string(expect_groups));
    EXPECT_EQ(text_of(d, "shown-findings"), std::to_string(expect_findings));
    EXPECT_EQ(attribute(d, "data-filter"), c.filter);
  }
}

// How much of a screenshot is ink: dark pixels (text, lines, drawings) and distinct colours.
struct Ink {
  double dark_fraction = 0;
  std::size_t colours = 0;
  bool read = false;
};

Ink ink(const std::string& png) {
  Ink out;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, png.c_str())) return out;
  image.format = PNG_FORMAT_RGB;
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) return out;
  out.read = true;
  std::set<std::uint32_t> colours;
  std::size_t dark = 0;
  const std::size_t n = pixels.size() / 3;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned r = pixels[3 * i], g = pixels[3 * i + 1], b = pixels[3 * i + 2];
    dark += 0.299 * r + 0.587 * g + 0.114 * b < 128;
    colours.insert(r << 16 | g << 8 | b);
  }
  out.dark_fraction = n ? static_cast<double>(dark) / static_cast<double>(n) : 0;
  out.colours = colours.size();
  return out;
}

bool looks_blank(const Ink& i) { return i.dark_fraction < 0.003 || i.colours < 64; }

TEST_F(Browser, ScreenshotIsNotBlank) {
  const std::string shot = artifacts() + "/report.png";
  fs::remove(shot);
  chromium("--screenshot=" + quote(shot) + " " + quote(url(report())), 1280, 1800);
  const Ink page = ink(shot);
  ASSERT_TRUE(page.read) << "no PNG at " << shot;
  EXPECT_FALSE(looks_blank(page)) << "dark fraction " << page.dark_fraction << ", colours " << page.colours;
  // The same measure calls an empty page blank.
  const std::string empty = artifacts() + "/empty.html", empty_shot = artifacts() + "/empty.png";
  std::ofstream(empty) << "<!DOCTYPE html><html><body style=\"background:#eef1f5\"></body></html>";
  chromium("--screenshot=" + quote(empty_shot) + " " + quote(url(empty)), 1280, 1800);
  const Ink blank = ink(empty_shot);
  ASSERT_TRUE(blank.read);
  EXPECT_TRUE(looks_blank(blank));
}

// URL requests the page started (Chromium's own have the initiator "not an origin").
std::vector<std::string> page_requests(const std::string& netlog_path) {
  std::vector<std::string> urls;
  const nlohmann::json log = nlohmann::json::parse(test::slurp(netlog_path), nullptr, false);
  if (log.is_discarded() || !log.contains("events")) {
    ADD_FAILURE() << "unreadable net log " << netlog_path;
    return urls;
  }
  const int start_job = log["constants"]["logEventTypes"].value("URL_REQUEST_START_JOB", -1);
  for (const nlohmann::json& e : log["events"]) {
    if (e.value("type", -2) != start_job || !e.contains("params") || !e["params"].contains("url")) continue;
    const nlohmann::json& p = e["params"];  // the job's start (its end has no url)
    if (p.value("initiator", "") != "not an origin") urls.push_back(p.value("url", "?"));
  }
  return urls;
}

TEST_F(Browser, FetchesNothing) {
  const std::string netlog = artifacts() + "/net.json";
  chromium("--log-net-log=" + quote(netlog) + " --dump-dom " + quote(url(report())));
  const std::vector<std::string> urls = page_requests(netlog);
  EXPECT_TRUE(urls.empty()) << urls.size() << " requests, first: " << (urls.empty() ? "" : urls[0]);
  const std::string d = test::slurp(report());
  EXPECT_FALSE(std::regex_search(d, std::regex(R"((src|href)\s*=\s*"?(https?:|//))")));
  // The same log catches a page that does fetch.
  const std::string fetching = artifacts() + "/fetching.html", control_log = artifacts() + "/net-control.json";
  std::ofstream(fetching) << "<!DOCTYPE html><html><body><img src=\"http://example.invalid/x.png\">x</body></html>";
  chromium("--log-net-log=" + quote(control_log) + " --dump-dom " + quote(url(fetching)));
  EXPECT_FALSE(page_requests(control_log).empty());
}

// The pages of a PDF Chromium printed: the largest /Count of its page tree.
int pdf_pages(const std::string& pdf) {
  const std::string text = test::slurp(pdf);
  int pages = 0;
  const std::regex count(R"(/Count (\d+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), count); it != std::sregex_iterator(); ++it)
    pages = std::max(pages, std::stoi((*it)[1]));
  return pages;
}

TEST_F(Browser, PrintsEveryGroupOpen) {
  const std::string pdf = artifacts() + "/report.pdf";
  chromium("--no-pdf-header-footer --print-to-pdf=" + quote(pdf) + " " + quote(url(report())));
  const int pages = pdf_pages(pdf);
  // The same page without what opens the groups for print (the print style and the script's
  // beforeprint) prints collapsed, on fewer pages.
  std::string collapsed = test::slurp(report());
  collapsed = std::regex_replace(collapsed, std::regex("details::details-content"), "details::no-content");
  collapsed = std::regex_replace(collapsed, std::regex("\"beforeprint\""), "\"no-beforeprint\"");
  const std::string control = artifacts() + "/collapsed.html", control_pdf = artifacts() + "/collapsed.pdf";
  std::ofstream(control) << collapsed;
  chromium("--no-pdf-header-footer --print-to-pdf=" + quote(control_pdf) + " " + quote(url(control)));
  const int collapsed_pages = pdf_pages(control_pdf);
  ASSERT_GT(collapsed_pages, 0) << "no PDF printed";
  EXPECT_GT(pages, 2 * collapsed_pages) << pages << " pages open, " << collapsed_pages << " collapsed";
}

// Every word of every table cell, with every <details> open, lies on one line; data-broken on
// <html> lists those that do not, data-words how many were measured.
const char* kWordProbe = R"(<script>
(function () {
  var broken = [], words = 0;
  // Opened, as a reader (or the printer) would.
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  document.querySelectorAll("table").forEach(function (t) {
    var walk = document.createTreeWalker(t, NodeFilter.SHOW_TEXT), n;
    while ((n = walk.nextNode())) {
      if (n.parentElement.closest("pre, .cmd")) continue;
      // Words between spaces and hyphens: a line may end after a hyphen ("non-|differentiable").
      var re = /[^\s\-]+/g, m;
      while ((m = re.exec(n.data))) {
        var r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        var tops = {};
        Array.prototype.forEach.call(r.getClientRects(), function (c) { if (c.width > 0) tops[Math.round(c.top)] = 1; });
        var lines = Object.keys(tops).length;
        if (lines === 0) continue;
        words += 1;
        if (lines > 1) broken.push(m[0] + "@" + (t.className || "table"));
      }
    }
  });
  document.documentElement.setAttribute("data-broken", broken.slice(0, 20).join(" "));
  document.documentElement.setAttribute("data-words", String(words));
})();
</script>)";

TEST_F(Browser, TablesBreakNoWord) {
  // A narrow window, where a table that may break words would.
  const std::string d = dom(url(variant("word-probe.html", kWordProbe)), 760);
  EXPECT_GT(std::stoi("0" + attribute(d, "data-words")), 500);
  EXPECT_EQ(attribute(d, "data-broken"), "");
  // The probe sees words broken by the style the report used to have.
  const std::string control = dom(url(variant("word-probe-control.html",
                                               "<style>td { overflow-wrap: anywhere; } table.graphs { table-layout: "
                                               "fixed; }</style>" + std::string(kWordProbe))),
                                  760);
  EXPECT_NE(attribute(control, "data-broken"), "");
}

}  // namespace
}  // namespace tc::reports
