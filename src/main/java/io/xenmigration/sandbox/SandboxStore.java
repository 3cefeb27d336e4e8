package io.xenmigration.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;

/**
 * The embedded API's store: the Fabric8 CRUD dispatcher, except that a patch which removes the last
 * finalizer of an object being deleted answers with the object, as the API server does, instead of
 * an empty body (on which the operator's client stumbles).
 */
final class SandboxStore extends KubernetesCrudDispatcher {

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    String path = request.getPath();
    MockResponse before = handleGet(path);
    // Copied without reading: reading the request's buffer would leave the store nothing.
    String patch =
        new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
    String type = request.getHeader("Content-Type");
    if (type == null) {
      type = request.getHeader("content-type");
    }
    MockResponse response = super.handlePatch(request);
    // The store answers 202 and nothing when the patch let the object go.
    if ((response.code() == 200 || response.code() == 202)
        && (response.getBody() == null || response.getBody().size() == 0)
        && before.code() == 200) {
      try {
        JsonNode object = ApiDocuments.JSON.readTree(before.getBody().readUtf8());
        JsonNode patched = JsonPatches.apply(object, ApiDocuments.JSON.readTree(patch), type);
        response.setResponseCode(200).setBody(ApiDocuments.JSON.writeValueAsString(patched));
      } catch (IOException | RuntimeException e) {
        // Keep the store's answer: the object is gone either way.
      }
    }
    return response;
  }
}
