// The page at `/` (src/serve/web/index.html, compiled into the binary by
// embed_text so `frost` stays one file).
#pragma once

#include <string_view>

namespace frost::serve {

std::string_view web_page_html();

}  // namespace frost::serve
