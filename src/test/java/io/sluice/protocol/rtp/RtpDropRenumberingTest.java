package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RtpDropRenumberingTest {
    private final RtpDropRenumbering r = new RtpDropRenumbering();

    @Test
    void untouchedWithoutSkips() {
        assertThat(r.map(100)).isEqualTo(100);
        assertThat(r.map(101)).isEqualTo(101);
        assertThat(r.map(103)).as("a real loss stays a gap").isEqualTo(103);
    }

    @Test
    void closesSkippedNumbersAcrossTheWrap() {
        assertThat(r.map(65533)).isEqualTo(65533);
        r.skip(65534);
        r.skip(65535);
        assertThat(r.map(0)).isEqualTo(65534);
        r.skip(1);
        assertThat(r.map(2)).isEqualTo(65535);
        assertThat(r.map(3)).isEqualTo(0);
        assertThat(r.skipped()).isEqualTo(3);
    }

    @Test
    void aReorderedPacketKeepsItsPlace() {
        r.map(10);
        r.skip(11);
        assertThat(r.map(13)).isEqualTo(12);
        assertThat(r.map(12)).as("late, after the skip: one down").isEqualTo(11);
        r.skip(14);
        assertThat(r.map(15)).isEqualTo(13);
    }

    @Test
    void aSkipThatComesTooLateStaysAGap() {
        r.map(10);
        r.map(12);
        r.skip(11); // 12 already went out as 12
        assertThat(r.map(13)).isEqualTo(13);
        assertThat(r.skipped()).isZero();
    }

    @Test
    void oldSkipsFoldIntoOneCount() {
        int seq = 0;
        for (int i = 0; i < 10_000; i++) {
            if (i % 3 == 0) {
                r.skip(seq++ & 0xffff);
            } else {
                assertThat(r.map(seq & 0xffff)).isEqualTo((seq - (i / 3 + 1)) & 0xffff);
                seq++;
            }
        }
        assertThat(r.skipped()).isEqualTo(3334);
    }
}
