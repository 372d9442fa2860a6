"""`snarewatch sites new NAME`: write a commented site profile to edit."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from crawler.sites import USER_DIR, builtin_names, parse_site
from snarewatch.errors import ConfigError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")

TEMPLATE = '''# Site profile "{name}": how snarewatch crawls one marketplace or shop. Edit it, then
#   snarewatch crawl {name} --max-pages 50      # a small trial crawl
#   snarewatch sql "select kind, count(*) from page_captures group by 1"
# and adjust the patterns until ad pages come out as kind "ad". Regexes are Python regexes on
# the full URL; write them in single quotes ('...') so backslashes need no escaping.

name = "{name}"                     # how you refer to the profile (crawl {name})
description = "What the site is and why it is crawled."
base_url = "{base_url}"  # {{base}} in seeds and templates; --base-url overrides
render = "auto"                     # auto: plain HTTP, Chromium only for pages that need it
                                    # http: never run JavaScript; browser: Chromium for all
seeds = ["{{base}}/"]               # where the crawl starts (--start URL replaces them)
# One search URL per keyword of --keywords FILE; {{keyword}} is URL-encoded.
search_templates = ["{{base}}/search?q={{keyword}}"]
follow_external = false             # true: also follow links to other hosts
obey_robots = true                  # robots.txt is honoured; keep it that way
elements = true                     # UI element maps of browser-rendered pages (deceptive design)

[patterns]
# Page kinds by URL, checked in this order: ad, listing, page. A URL matching none is judged
# by its content (product markup, a price of its own, an add-to-cart or contact button).
ad = ['/item/\\d+', '/ad/\\d+']      # detail pages: one ad each
listing = ['/search\\?', '/category/'] # result and category pages: fetched after the ads
page = []                           # shop/cart/checkout pages audited for deceptive design
skip = ['(?i)/(login|logout|account|register)', '\\.(pdf|zip|jpg|png|css|js)(\\?|$)']
follow = []                         # if set, only URLs matching one of these are followed

[selectors]
# Optional: where each field is on an ad page, when structured data does not say.
# "css:A, B" (first match in document order) or "xpath:..."; "@attr" takes an attribute.
# title = "css:h1.ad-title"
# price = "css:.price .amount"          # an empty slot or "Make an offer" means no price
# description = "css:.description"
# seller = "css:a.seller"
# seller_url = "css:a.seller@href"
# location = "css:.location"
# posted_at = "xpath://time/@datetime"

[limits]
max_pages = 2000        # pages per crawl (a resumed crawl counts its earlier pages too)
max_depth = 6           # links away from a seed
max_bytes = 5000000     # per page; bigger pages are recorded as too_large
max_seconds = 3600      # per crawl; the rest stays queued for --resume
max_per_pattern = 500   # URLs of one shape (digits and query values blanked): stops traps
max_barren = 5          # "next page" chains that bring nothing new
timeout_s = 20          # per request
retries = 2             # for timeouts, 5xx, 429 and network errors

[rate]
concurrency = 2         # requests in parallel to the host
delay_s = 1.0           # seconds between request starts (robots.txt Crawl-delay raises it)
max_retry_after_s = 60  # the host is paused for Retry-After up to this; longer gives up the URL
'''


def scaffold(name: str, folder: Path = USER_DIR, base_url: str = "https://example.org") -> Path:
    """Write `folder/NAME.toml` from the commented template; ConfigError if it exists or the
    name is not a plain lower-case name."""
    if not _NAME.match(name):
        raise ConfigError(f"profile name {name!r}: use lower-case letters, digits, '-' or '_'")
    if name in builtin_names():
        raise ConfigError(f"{name!r} is a bundled profile; choose another name")
    text = TEMPLATE.format(name=name, base_url=base_url.rstrip("/"))
    parse_site(tomllib.loads(text), name)  # the template must always load
    path = Path(folder) / f"{name}.toml"
    if path.exists():
        raise ConfigError(f"{path} exists; edit it or choose another name")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
