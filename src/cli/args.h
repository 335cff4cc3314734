// Command-line arguments of one subcommand: positionals and `--name value` /
// `--name=value` options (repeatable), plus boolean `--flag`s. Anything not
// declared is an error, so a typo never silently does something else.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace frost::cli {

class Args {
 public:
  // `valued`: options that take a value; `flags`: options that do not.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& valued, const std::set<std::string>& flags);

  const std::vector<std::string>& positional() const { return positional_; }
  // The single positional argument, or an error naming what is expected.
  const std::string& only_positional(const std::string& what) const;

  bool flag(const std::string& name) const { return flags_.count(name) != 0; }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  // Last value given, or `fallback`.
  std::string value(const std::string& name, const std::string& fallback = "") const;
  // Every value given, with comma-separated lists split.
  std::vector<std::string> values(const std::string& name) const;
  long long integer(const std::string& name, long long fallback) const;
  double number(const std::string& name, double fallback) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> flags_;
};

}  // namespace frost::cli
