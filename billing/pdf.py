"""WeasyPrint, fenced in: the PDFs (receipts, reports) may read the entities' logos and our
static files from disk, and nothing else.

The HTML fed to WeasyPrint holds text typed by users (names, addresses, a sponsor). Should an
escaping mistake ever let markup through, WeasyPrint's default fetcher would read any URL or local
file named in it (`<img src="file:///etc/passwd">`, `http://169.254.169.254/…`) into the PDF.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class FetchRefused(ValueError):
    """A PDF asked for a resource outside the logos and the static files."""


def allowed_roots() -> list[Path]:
    """MEDIA_ROOT (where the entities' logos are uploaded) and the static files' folders."""
    roots = [Path(settings.MEDIA_ROOT), Path(settings.STATIC_ROOT)]
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    return [root.resolve() for root in roots]


def local_path(url: str) -> Path:
    """The file a `file:` URL names, if it lies inside an allowed folder; FetchRefused otherwise."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"PDF resources are read from the logos and static files only, not {parts.scheme}: URLs")
    path = Path(unquote(parts.path)).resolve()
    if not path.is_file() or not any(path.is_relative_to(root) for root in allowed_roots()):
        raise FetchRefused("PDF resources are read from the logos and static files only")
    return path


class LocalFilesFetcher(URLFetcher):
    """A WeasyPrint fetcher that reads `local_path(url)` and refuses everything else (WeasyPrint
    logs the refusal as a warning and leaves the resource out)."""

    def fetch(self, url, headers=None):
        path = local_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def html_document(html: str) -> HTML:
    """WeasyPrint's HTML for `html`, with the fenced fetcher."""
    return HTML(string=html, url_fetcher=LocalFilesFetcher())
