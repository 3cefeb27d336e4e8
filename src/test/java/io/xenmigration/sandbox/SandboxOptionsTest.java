package io.xenmigration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sandbox's options: defaults, every option, and clear refusals. */
class SandboxOptionsTest {

  @Test
  void defaultsNeedNoArguments() {
    assertThat(SandboxOptions.parse())
        .isEqualTo(
            new SandboxOptions(
                Path.of("target/sandbox"), Path.of("deploy/crds"), 7443, 7480, 8080, 4, 12, 2.0));
  }

  @Test
  void everyOptionIsTaken() {
    assertThat(
            SandboxOptions.parse(
                "--dir",
                "/tmp/s",
                "--crds",
                "c",
                "--api-port",
                "0",
                "--admin-port",
                "9000",
                "--operator-port",
                "0",
                "--hosts",
                "8",
                "--vms",
                "100",
                "--time-scale",
                "10"))
        .isEqualTo(new SandboxOptions(Path.of("/tmp/s"), Path.of("c"), 0, 9000, 0, 8, 100, 10.0));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--hosts | 1 | --hosts must be between 2 and 500, not 1",
        "--api-port | x | --api-port takes a number, not x",
        "--time-scale | 0 | --time-scale must be above 0 and at most 1000",
        "--colour | red | unknown option --colour",
      })
  void badOptionsAreRefusedWithTheReason(String option, String value, String message) {
    assertThatThrownBy(() -> SandboxOptions.parse(option, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void anOptionWithoutItsValueSaysSo() {
    assertThatThrownBy(() -> SandboxOptions.parse("--vms")).hasMessage("--vms needs a value");
  }
}
