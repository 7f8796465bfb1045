"""Static server for the sandbox page: dist/ at / (www/ as built by scripts/build-page.sh, its
scripts and styles minified; www/ itself when there is no dist/), the wasm package at /pkg/, the
scenario library at /scenarios/. Sends .wasm as application/wasm and a Content-Security-Policy that
allows only same-origin scripts (plus wasm compilation) and no inline script."""

import http.server
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOUNTS = {"/pkg/": "pkg", "/scenarios/": "scenarios"}
SITE = "dist" if os.path.isdir(os.path.join(ROOT, "dist")) else "www"
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'"
)


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".imap": "text/plain; charset=utf-8",
    }

    def translate_path(self, path):
        clean = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, folder in MOUNTS.items():
            if clean.startswith(prefix):
                rest = clean[len(prefix):]
                return os.path.join(ROOT, folder, *[p for p in rest.split("/") if p not in ("", ".", "..")])
        parts = [p for p in clean.split("/") if p not in ("", ".", "..")]
        return os.path.join(ROOT, SITE, *parts)

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):
        if os.environ.get("QUIET") != "1":
            super().log_message(fmt, *args)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"imap-sandbox page: http://127.0.0.1:{port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
