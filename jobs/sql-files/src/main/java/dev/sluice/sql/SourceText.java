package dev.sluice.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of one SQL file with its name, converting between character offsets and the 1-based
 * line/column positions of Flink's SQL lexer ({@code \n}, {@code \r} and {@code \r\n} each end a
 * line; a tab is one column).
 */
public final class SourceText {
    private final String name;
    private final String text;
    private final int[] lineStarts;

    public SourceText(String name, String text) {
        this.name = name;
        this.text = text;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                i++;
                starts.add(i + 1);
            } else if (c == '\n' || c == '\r') {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The name shown in messages: a path as given, or {@code classpath:...}. */
    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    /** Offset of a 1-based line and column; positions past the end clamp to the text length. */
    public int offset(int line, int column) {
        int lineIndex = Math.max(0, Math.min(line, lineStarts.length) - 1);
        return Math.min(text.length(), lineStarts[lineIndex] + Math.max(0, column - 1));
    }

    public SourceLocation location(int offset) {
        int lineIndex = lineIndexOf(offset);
        return new SourceLocation(name, lineIndex + 1, offset - lineStarts[lineIndex] + 1);
    }

    public SourceLocation location(int line, int column) {
        return new SourceLocation(name, Math.max(1, line), Math.max(1, column));
    }

    public int lineCount() {
        return lineStarts.length;
    }

    /** The text of a 1-based line without its line break, or "" past the end. */
    public String line(int line) {
        if (line < 1 || line > lineStarts.length) {
            return "";
        }
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] : text.length();
        while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(start, end);
    }

    /** The source line of a location and a caret under its column, for error messages. */
    public String excerpt(SourceLocation location) {
        String source = line(location.line());
        StringBuilder caret = new StringBuilder();
        for (int i = 0; i < location.column() - 1 && i < source.length(); i++) {
            caret.append(source.charAt(i) == '\t' ? '\t' : ' ');
        }
        return "  " + source + "\n  " + caret + "^";
    }

    private int lineIndexOf(int offset) {
        int low = 0;
        int high = lineStarts.length - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (lineStarts[mid] <= offset) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }
}
