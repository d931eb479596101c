package dev.sluice.policy.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Expected values are the examples of Hive's language manual and Hive's own udf_mask tests. */
class HiveMaskerTest {

    private static final String CARD = "1234-5678-8765-4321";

    @Test
    void masksStringsWithHiveDefaults() {
        assertThat(HiveMasker.of(MaskRegion.ALL).mask("abcd-EFGH-8765-4321"))
                .isEqualTo("xxxx-XXXX-nnnn-nnnn");
        assertThat(HiveMasker.of(MaskRegion.FIRST_N).mask(CARD)).isEqualTo("nnnn-5678-8765-4321");
        assertThat(HiveMasker.of(MaskRegion.LAST_N).mask(CARD)).isEqualTo("1234-5678-8765-nnnn");
        assertThat(HiveMasker.of(MaskRegion.SHOW_FIRST_N).mask(CARD))
                .isEqualTo("1234-nnnn-nnnn-nnnn");
        assertThat(HiveMasker.of(MaskRegion.SHOW_LAST_N).mask(CARD))
                .isEqualTo("nnnn-nnnn-nnnn-4321");
    }

    @Test
    void overridesReplacementCharacters() {
        HiveMasker masker =
                HiveMasker.builder(MaskRegion.ALL).upper('U').lower('l').digit('#').build();
        assertThat(masker.mask("abcd-EFGH-8765-4321")).isEqualTo("llll-UUUU-####-####");
        HiveMasker other =
                HiveMasker.builder(MaskRegion.ALL)
                        .upper('X')
                        .lower('x')
                        .digit('0')
                        .other(':')
                        .build();
        assertThat(other.mask("TestString-123")).isEqualTo("XxxxXxxxxx:000");
    }

    @Test
    void keepsCharactersWhoseReplacementIsMinusOne() {
        HiveMasker masker =
                HiveMasker.builder(MaskRegion.ALL)
                        .upper(HiveMasker.KEEP)
                        .digit(HiveMasker.KEEP)
                        .build();
        assertThat(masker.mask("Ab1-")).isEqualTo("Ax1-");
    }

    @Test
    void charCountLargerThanValueAndZero() {
        assertThat(HiveMasker.builder(MaskRegion.FIRST_N).charCount(10).build().mask("abc"))
                .isEqualTo("xxx");
        assertThat(HiveMasker.builder(MaskRegion.LAST_N).charCount(0).build().mask("abc"))
                .isEqualTo("abc");
        assertThat(HiveMasker.builder(MaskRegion.SHOW_LAST_N).charCount(10).build().mask("abc"))
                .isEqualTo("abc");
        assertThat(HiveMasker.builder(MaskRegion.SHOW_FIRST_N).charCount(0).build().mask("abc"))
                .isEqualTo("xxx");
        assertThat(HiveMasker.of(MaskRegion.ALL).mask("")).isEmpty();
    }

    @Test
    void keepsWhatHiveKeeps() {
        // the trap that StrictMasker closes: separators, caseless scripts, emoji halves pass
        HiveMasker masker = HiveMasker.of(MaskRegion.ALL);
        assertThat(masker.mask("jane.doe@example.com")).isEqualTo("xxxx.xxx@xxxxxxx.xxx");
        assertThat(masker.mask("王小明")).isEqualTo("王小明");
        assertThat(masker.mask("Ölçü ٣")).isEqualTo("Xxxx n");
        assertThat(masker.mask("\uD83D\uDE00")).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void masksIntegersDigitByDigit() {
        HiveMasker masker = HiveMasker.of(MaskRegion.ALL);
        assertThat(masker.mask(12345)).isEqualTo(11111);
        assertThat(masker.mask(-907L)).isEqualTo(-111L);
        HiveMasker four = HiveMasker.builder(MaskRegion.ALL).number(4).build();
        assertThat(four.mask((byte) 0)).isEqualTo((byte) 4);
        assertThat(four.mask((short) 0)).isEqualTo((short) 4);
        assertThat(four.mask(0)).isEqualTo(4);
        assertThat(four.mask(0L)).isEqualTo(4L);
    }

    @Test
    void wrapsAroundLikeHiveWhenTheMaskedNumberDoesNotFit() {
        HiveMasker five = HiveMasker.builder(MaskRegion.ALL).number(5).build();
        assertThat(five.mask((byte) 123)).isEqualTo((byte) 43);
        assertThat(five.mask((short) 12345)).isEqualTo((short) -9981);
        assertThat(five.mask(12345)).isEqualTo(55555);
        assertThat(five.mask(12345L)).isEqualTo(55555L);
    }

    @Test
    void masksDigitsOfNumbersByRegion() {
        long n = 1234567L;
        assertThat(HiveMasker.of(MaskRegion.FIRST_N).mask(n)).isEqualTo(1111567L);
        assertThat(HiveMasker.of(MaskRegion.LAST_N).mask(n)).isEqualTo(1231111L);
        assertThat(HiveMasker.of(MaskRegion.SHOW_FIRST_N).mask(n)).isEqualTo(1234111L);
        assertThat(HiveMasker.of(MaskRegion.SHOW_LAST_N).mask(n)).isEqualTo(1114567L);
        assertThat(HiveMasker.of(MaskRegion.SHOW_LAST_N).mask(-1234567)).isEqualTo(-1114567);
        assertThat(HiveMasker.of(MaskRegion.FIRST_N).mask(0)).isEqualTo(1);
        assertThat(HiveMasker.builder(MaskRegion.FIRST_N).charCount(0).build().mask(0))
                .isEqualTo(0);
        assertThat(HiveMasker.of(MaskRegion.SHOW_LAST_N).mask(0)).isEqualTo(0);
        assertThat(HiveMasker.of(MaskRegion.ALL).mask(Long.MIN_VALUE))
                .isEqualTo(-1111111111111111111L);
    }

    @Test
    void masksDatesPerField() {
        LocalDate date = LocalDate.of(2016, 4, 20);
        assertThat(HiveMasker.of(MaskRegion.ALL).mask(date)).isEqualTo(LocalDate.of(0, 1, 1));
        assertThat(date(-1, 0, 0).mask(date)).isEqualTo(LocalDate.of(0, 1, 20));
        assertThat(date(1, -1, 0).mask(date)).isEqualTo(LocalDate.of(0, 4, 1));
        assertThat(date(1, 0, -1).mask(date)).isEqualTo(LocalDate.of(2016, 1, 1));
        assertThat(date(1, -1, -1).mask(date)).isEqualTo(LocalDate.of(2016, 4, 1));
        assertThat(date(-1, 0, -1).mask(date)).isEqualTo(LocalDate.of(2016, 1, 20));
        assertThat(date(-1, -1, 0).mask(date)).isEqualTo(LocalDate.of(0, 4, 20));
        assertThat(date(-1, -1, -1).mask(date)).isEqualTo(date);
        // Hive fails on February 31st; Sluice clamps to the month's last day
        assertThat(date(31, 1, -1).mask(date)).isEqualTo(LocalDate.of(2016, 2, 29));
    }

    private static HiveMasker date(int day, int month, int year) {
        return HiveMasker.builder(MaskRegion.ALL).day(day).month(month).year(year).build();
    }

    @Test
    void rejectsArgumentsHiveWouldSilentlyReplace() {
        assertThatThrownBy(() -> HiveMasker.builder(MaskRegion.SHOW_LAST_N).charCount(-1))
                .hasMessage(
                        "Invalid charCount of mask_show_last_n: -1. Use a number of characters >= 0.");
        assertThatThrownBy(() -> HiveMasker.builder(MaskRegion.ALL).number(10))
                .hasMessageContaining("Invalid numberChar of mask: 10");
        assertThatThrownBy(() -> HiveMasker.builder(MaskRegion.ALL).day(32))
                .hasMessageContaining("Invalid dayValue of mask: 32");
        assertThatThrownBy(() -> HiveMasker.builder(MaskRegion.ALL).month(12))
                .hasMessageContaining("Invalid monthValue of mask: 12");
        assertThatThrownBy(() -> HiveMasker.builder(MaskRegion.ALL).upper(-2))
                .hasMessageContaining("Invalid upperChar of mask: -2");
        assertThatThrownBy(() -> HiveMasker.builder(MaskRegion.FIRST_N).day(-2))
                .hasMessageContaining("Invalid dayValue of mask_first_n: -2");
    }

    @Test
    void dayZeroMeansTheDefaultDayAsInHive() {
        // udf_mask.q: mask(cast('2016-04-20' as date), -1, -1, -1, -1, -1, 0, 0, 0) = 0000-01-01
        assertThat(date(0, 0, 0).mask(LocalDate.of(2016, 4, 20))).isEqualTo(LocalDate.of(0, 1, 1));
        assertThat(date(0, -1, -1).mask(LocalDate.of(2016, 4, 20)))
                .isEqualTo(LocalDate.of(2016, 4, 1));
    }

    @Test
    void everyRegionMasksTheWholeDateAsHiveDoes() {
        // udf_mask_{first,last,show_first,show_last}_n.q: (date '2016-04-20', 4, -1 x5, 0, 0, 0)
        LocalDate date = LocalDate.of(2016, 4, 20);
        for (MaskRegion region : MaskRegion.values()) {
            HiveMasker byDefault = HiveMasker.of(region);
            assertThat(byDefault.mask(date)).as("%s", region).isEqualTo(LocalDate.of(0, 1, 1));
            HiveMasker.Builder b = HiveMasker.builder(region);
            if (region.hasCharCount()) {
                b.charCount(4);
            }
            HiveMasker hiveTest = b.number(-1).day(0).month(0).year(0).build();
            assertThat(hiveTest.mask(date)).as("%s", region).isEqualTo(LocalDate.of(0, 1, 1));
            HiveMasker keepYear = HiveMasker.builder(region).year(HiveMasker.KEEP).build();
            assertThat(keepYear.mask(date)).as("%s", region).isEqualTo(LocalDate.of(2016, 1, 1));
        }
    }

    @Test
    void asciiFastPathGivesWhatThePerCharacterPathGives() {
        java.util.Random random = new java.util.Random(42);
        for (MaskRegion region : MaskRegion.values()) {
            for (int charCount : new int[] {0, 1, 4, 30}) {
                HiveMasker.Builder hive = HiveMasker.builder(region).other('*');
                if (region.hasCharCount()) {
                    hive.charCount(charCount);
                }
                HiveMasker masker = hive.build();
                StrictMasker strict = StrictMasker.of(region, charCount);
                for (int n = 0; n < 200; n++) {
                    char[] chars = new char[random.nextInt(25)];
                    for (int i = 0; i < chars.length; i++) {
                        chars[i] = (char) random.nextInt(128);
                    }
                    String value = new String(chars);
                    assertThat(masker.mask(value))
                            .as("%s(%d) of %s", region, charCount, value)
                            .isEqualTo(masker.maskPerChar(value));
                    assertThat(strict.mask(value))
                            .as("strict %s(%d) of %s", region, charCount, value)
                            .isEqualTo(strict.maskPerCodePoint(value));
                }
            }
        }
        // not ASCII, or a replacement that is not: the per-character path decides
        assertThat(HiveMasker.of(MaskRegion.ALL).mask("Zoë")).isEqualTo("Xxx");
        assertThat(HiveMasker.builder(MaskRegion.ALL).upper('Ü').build().mask("Ab"))
                .isEqualTo("Üx");
        assertThat(StrictMasker.of(MaskRegion.SHOW_LAST_N, 2).mask("Zoë-1")).isEqualTo("Xxx-1");
    }

    @Test
    void maskersSurviveJavaSerializationAsFlinkShipsThem() throws Exception {
        for (ValueMasker masker :
                new ValueMasker[] {
                    HiveMasker.of(MaskRegion.SHOW_LAST_N), StrictMasker.of(MaskRegion.FIRST_N, 2)
                }) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(masker);
            }
            try (java.io.ObjectInputStream in =
                    new java.io.ObjectInputStream(
                            new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                ValueMasker copy = (ValueMasker) in.readObject();
                assertThat(copy.mask(CARD)).isEqualTo(masker.mask(CARD));
            }
        }
    }

    @Test
    void nullGivesNull() {
        assertThat(HiveMasker.of(MaskRegion.ALL).mask((String) null)).isNull();
        assertThat(HiveMasker.of(MaskRegion.ALL).mask((LocalDate) null)).isNull();
    }
}
