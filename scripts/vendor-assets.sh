#!/usr/bin/env bash
# Refresh the browser assets served by Leadline itself (no CDN at run time).
# Versions are pinned here; run from the repository root, then commit the result.
set -euo pipefail
SWAGGER_UI=5.35.0
HTMX=2.0.11
dest=src/leadline/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "swagger-ui-dist@$SWAGGER_UI" "htmx.org@$HTMX" >/dev/null)
tar -xzf "$work/swagger-ui-dist-$SWAGGER_UI.tgz" -C "$work" && mv "$work/package" "$work/swagger"
tar -xzf "$work/htmx.org-$HTMX.tgz" -C "$work" && mv "$work/package" "$work/htmx"
mkdir -p "$dest/swagger-ui" "$dest/htmx"
cp "$work"/swagger/{swagger-ui-bundle.js,swagger-ui.css,LICENSE,favicon-32x32.png,oauth2-redirect.html} "$dest/swagger-ui/"
cp "$work"/htmx/dist/htmx.min.js "$work"/htmx/LICENSE "$dest/htmx/"
echo "vendored swagger-ui-dist $SWAGGER_UI and htmx.org $HTMX into $dest"
