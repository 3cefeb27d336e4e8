package io.xenmigration.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which failures send a migration to another host, and which end it. */
class FailureBlameTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "HOST_OFFLINE, OpaqueRef:dst, true",
    "HOST_OFFLINE, OpaqueRef:src, false",
    "HOST_NOT_LIVE, OpaqueRef:src, false",
    "HOST_NOT_LIVE, OpaqueRef:dst, true",
    "HOST_NOT_ENOUGH_FREE_MEMORY, 1, true",
    "VM_MIGRATE_CONTACT_REMOTE_SERVICE_FAILED, '', true",
    "VM_MIGRATE_FAILED, vm, true",
    "MIRROR_FAILED, vdi, true",
    "SR_BACKEND_FAILURE_44, '', true",
    "VM_NOT_ON_DESTINATION, vm, true",
    "VM_BAD_POWER_STATE, vm, false",
    "TASK_CANCELLED, task, false",
    "ProgressTimeout, '', false",
    "CompletionTimeout, '', false",
    "TaskLost, '', false",
  })
  void anotherHostIsTriedOnlyWhenTheDestinationWasAtFault(
      String code, String param, boolean destinationFault) {
    List<String> params = param == null || param.isEmpty() ? List.of() : List.of(param);
    assertThat(FailureBlame.destinationFault(code, params, "OpaqueRef:src"))
        .isEqualTo(destinationFault);
  }
}
