package io.xenmigration.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.xenmigration.api.v1alpha1.ApiGroup;
import org.junit.jupiter.api.Test;

/** Every object, whatever its valid name, gets Events with valid names. */
class EventNameTest {

  @Test
  void aShortNameIsKeptWithASuffix() {
    assertThat(EventRecorder.eventName("move-vm-01")).matches("move-vm-01\\.[0-9a-f]{8}");
  }

  @Test
  void theLongestNamesStillGiveValidEventNames() {
    String longest = "a".repeat(120) + "." + "b".repeat(120) + "-c" + "d".repeat(8);
    String cutAtADot = "x".repeat(243) + ".yyyyyyyyy";
    String cutAtADash = "x".repeat(243) + "-zzzzzzzzz";
    for (String name : new String[] {longest, cutAtADot, cutAtADash, "z".repeat(253)}) {
      assertThat(name).hasSizeLessThanOrEqualTo(253).matches(ApiGroup.OBJECT_NAME_PATTERN);
      String event = EventRecorder.eventName(name);
      assertThat(event).hasSizeLessThanOrEqualTo(253).matches(ApiGroup.OBJECT_NAME_PATTERN);
      assertThat(event).isNotEqualTo(EventRecorder.eventName(name));
    }
  }
}
