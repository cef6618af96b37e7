"""Static files storage for `shian serve`: hashed names plus gzip/brotli copies (WhiteNoise)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CompressedManifestStorage(CompressedManifestStaticFilesStorage):
    """Vendored minified files name source maps that we do not ship; leave those comments as they are
    instead of failing collectstatic. Every other missing reference still fails it."""

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def tolerant(matchobj):
            if (matchobj.groupdict().get("url") or "").strip().endswith(".map"):
                try:
                    return convert(matchobj)
                except ValueError:
                    return matchobj.group(0)
            return convert(matchobj)

        return tolerant
