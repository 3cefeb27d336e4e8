package io.xenmigration.api.v1alpha1;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;

/**
 * How the operator marks, in memory only, an object of ours it could not read in full (a field of
 * the wrong type, a phase it does not know): the object is kept with its metadata and whatever did
 * read, and these annotations say why, so that it is skipped and reported rather than stopping the
 * watch that brought it. They are never written back.
 */
public final class Unreadable {

  /** Why the object could not be read. */
  public static final String ANNOTATION = ApiGroup.NAME + "/unreadable";

  /** The phase the unread status names, as text ("" when none), to judge whether it may go. */
  public static final String PHASE_ANNOTATION = ApiGroup.NAME + "/unreadable-phase";

  private Unreadable() {}

  /** Whether the object could not be read. */
  public static boolean is(HasMetadata object) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(ANNOTATION);
  }

  /** Why it could not be read, or null. */
  public static String why(HasMetadata object) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(ANNOTATION);
  }

  /** The phase its status names, as text. */
  public static String phase(HasMetadata object) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? "" : annotations.getOrDefault(PHASE_ANNOTATION, "");
  }
}
