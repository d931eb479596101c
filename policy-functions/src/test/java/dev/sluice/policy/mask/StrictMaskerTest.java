package dev.sluice.policy.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StrictMaskerTest {

    @Test
    void masksEveryCodePoint() {
        StrictMasker masker = StrictMasker.of(MaskRegion.ALL);
        assertThat(masker.mask("jane.doe@example.com")).isEqualTo("xxxx*xxx*xxxxxxx*xxx");
        assertThat(masker.mask("王小明")).isEqualTo("xxx");
        assertThat(masker.mask("Ölçü ٣")).isEqualTo("Xxxx*n");
        assertThat(masker.mask("a\uD83D\uDE00b")).isEqualTo("x*x");
    }

    @Test
    void countsCodePointsNotUtf16Units() {
        StrictMasker showLast = StrictMasker.of(MaskRegion.SHOW_LAST_N, 2);
        assertThat(showLast.mask("ab\uD83D\uDE00c")).isEqualTo("xx\uD83D\uDE00c");
        assertThat(StrictMasker.of(MaskRegion.SHOW_LAST_N, 4).mask("4111 1111 1111 1234"))
                .isEqualTo("nnnn*nnnn*nnnn*1234");
        assertThat(StrictMasker.of(MaskRegion.FIRST_N, 1).mask("\uD83D\uDE00\uD83D\uDE00"))
                .isEqualTo("*\uD83D\uDE00");
        assertThat(StrictMasker.of(MaskRegion.LAST_N, 1).mask("ab-")).isEqualTo("ab*");
        assertThat(StrictMasker.of(MaskRegion.SHOW_FIRST_N, 1).mask("ab-")).isEqualTo("ax*");
    }

    @Test
    void numbersAsHive() {
        assertThat(StrictMasker.of(MaskRegion.SHOW_LAST_N, 2).mask(98765L)).isEqualTo(11165L);
    }

    @Test
    void rejectsNegativeCharCount() {
        assertThatThrownBy(() -> StrictMasker.of(MaskRegion.FIRST_N, -3))
                .hasMessage(
                        "Invalid charCount of mask_first_n_strict: -3. Use a number of characters >= 0.");
    }
}
