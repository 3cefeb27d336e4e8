package io.xenmigration.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a pool or a user writes cannot forge log lines, bloat a status or show a session. */
class SafeTextTest {

  @Test
  void controlCharactersAreEscapedSoOneValueIsOneLine() {
    assertThat(SafeText.safe("vm\n2026-01-01 INFO forged\r\tline\u0000\u2028"))
        .isEqualTo("vm\\n2026-01-01 INFO forged\\r\\tline\\u0000\\u2028")
        .doesNotContain("\n");
  }

  @Test
  void longTextIsCut() {
    assertThat(SafeText.safe("x".repeat(100_000))).hasSize(SafeText.MAX_LENGTH + 1).endsWith("…");
  }

  @Test
  void aSessionIsRedactedWhileItLivesAndAfter() {
    String session = "OpaqueRef:6d0b1c2e-aaaa-bbbb-cccc-1234567890ab";
    SafeText.session(session);
    try {
      assertThat(SafeText.safe("SESSION_INVALID [" + session + "]"))
          .isEqualTo("SESSION_INVALID [" + SafeText.REDACTED + "]");
    } finally {
      SafeText.forget(session);
    }
    assertThat(SafeText.safe("SESSION_INVALID [" + session + "]")).contains(session);
  }

  @Test
  void onlyTheShapeOfASessionIsTakenForOne() {
    SafeText.session("OpaqueRef:");
    SafeText.session("password");
    assertThat(SafeText.safe("OpaqueRef:NULL and a password"))
        .isEqualTo("OpaqueRef:NULL and a password");
  }

  @Test
  void aReasonKubernetesWouldRefuseIsReplaced() {
    assertThat(SafeText.reason("VM_MIGRATE_FAILED")).isEqualTo("VM_MIGRATE_FAILED");
    assertThat(SafeText.reason("NoHostFits")).isEqualTo("NoHostFits");
    for (String bad : new String[] {"", "1ABC", "A B", "A\nB", "x".repeat(65), "ÄRGER", "a-b"}) {
      assertThat(SafeText.reason(bad)).as(bad).isEqualTo(SafeText.UNREADABLE_REASON);
    }
  }
}
