package io.xenmigration.migration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test of the migration flow on a fresh {@link FlowFixture} each: its simulator and clock. */
abstract class FlowTest {

  FlowFixture fixture;

  @BeforeEach
  void startFixture() {
    fixture = new FlowFixture();
  }

  @AfterEach
  void stopFixture() {
    fixture.close();
  }
}
