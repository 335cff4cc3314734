#include "serve/web_page.h"

namespace frost::serve {

extern const char kWebPageHtml[];

std::string_view web_page_html() { return kWebPageHtml; }

}  // namespace frost::serve
