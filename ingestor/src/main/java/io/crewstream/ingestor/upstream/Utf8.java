package io.crewstream.ingestor.upstream;

/** UTF-8 sizes without encoding: frame limits are in bytes, frames arrive as characters. */
final class Utf8 {

    private Utf8() {
    }

    static long length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            }
            else if (c < 0x800) {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c)) {
                // A surrogate pair is one 4-byte code point; a lone high surrogate at a part boundary counts 4 too.
                bytes += 4;
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                }
            }
            else if (Character.isLowSurrogate(c)) {
                // The other half of a pair split across message parts; already counted with its high surrogate.
                continue;
            }
            else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
