package io.xenmigration.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which failures send a migration to another host, and which end it. */
class ErrorCatalogTest {

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
    "StartUnconfirmed, '', false",
    "CONNECTION_REFUSED, '', true",
    "NOT_LEADING, Async.VM.migrate_send, false",
  })
  void anotherHostIsTriedOnlyWhenTheDestinationWasAtFault(
      String code, String param, boolean destinationFault) {
    List<String> params = param == null || param.isEmpty() ? List.of() : List.of(param);
    assertThat(ErrorCatalog.destinationFault(code, params, "OpaqueRef:src"))
        .isEqualTo(destinationFault);
  }

  @org.junit.jupiter.api.Test
  void aStartThatGotNoAnswerMayHaveStartedAndOneRefusedOrNeverSentDidNot() {
    XenApiException refused =
        new XenApiException(
            "VM_BAD_POWER_STATE", List.of("vm"), XenApiException.Kind.TERMINAL, null, null, true);
    XenApiException notSent =
        new XenApiException(
            XenApiException.CONNECTION_REFUSED,
            List.of(),
            ErrorCatalog.kind(XenApiException.CONNECTION_REFUSED),
            null,
            null);
    XenApiException noAnswer =
        new XenApiException(
            XenApiException.TIMEOUT,
            List.of(),
            ErrorCatalog.kind(XenApiException.TIMEOUT),
            null,
            null);
    XenApiException brokeOff =
        new XenApiException(
            XenApiException.CONNECTION_FAILED,
            List.of(),
            ErrorCatalog.kind(XenApiException.CONNECTION_FAILED),
            null,
            null);
    assertThat(ErrorCatalog.mayHaveTakenEffect(refused)).isFalse();
    assertThat(ErrorCatalog.mayHaveTakenEffect(notSent)).isFalse();
    assertThat(ErrorCatalog.mayHaveTakenEffect(noAnswer)).isTrue();
    assertThat(ErrorCatalog.mayHaveTakenEffect(brokeOff)).isTrue();
    assertThat(noAnswer.isTransient()).isTrue();
    assertThat(ErrorCatalog.kind("HOST_OFFLINE")).isEqualTo(XenApiException.Kind.TERMINAL);
  }
}
