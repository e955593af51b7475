using System.Buffers;
using System.Text.Json;
using AuthzWebhook.Decisions;

namespace AuthzWebhook.Benchmarks;

/// <summary>
/// SubjectAccessReview bodies shaped as the kube-apiserver sends them: compact JSON in its field order, a few hundred
/// bytes, with the credential-id extra that OIDC-authenticated users carry.
/// </summary>
internal static class ReviewBodies
{
    public static byte[] For(ReviewRequest request)
    {
        var output = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("kind", "SubjectAccessReview");
            json.WriteString("apiVersion", "authorization.k8s.io/v1");
            json.WriteStartObject("metadata");
            json.WriteNull("creationTimestamp");
            json.WriteEndObject();
            json.WriteStartObject("spec");
            json.WriteStartObject("resourceAttributes");
            WriteIfAny(json, "namespace", request.Namespace);
            json.WriteString("verb", request.Verb);
            WriteIfAny(json, "group", request.ApiGroup);
            json.WriteString("version", request.ApiVersion);
            json.WriteString("resource", request.Resource);
            WriteIfAny(json, "subresource", request.Subresource);
            WriteIfAny(json, "name", request.Name);
            json.WriteEndObject();
            json.WriteString("user", request.User);
            json.WriteStartArray("groups");
            foreach (var group in request.Groups)
            {
                json.WriteStringValue(group);
            }

            json.WriteEndArray();
            json.WriteStartObject("extra");
            json.WriteStartArray("authentication.kubernetes.io/credential-id");
            json.WriteStringValue("JTI=3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("uid", request.Uid);
            json.WriteEndObject();
            json.WriteStartObject("status");
            json.WriteBoolean("allowed", false);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    private static void WriteIfAny(Utf8JsonWriter json, string name, string value)
    {
        // The API server omits empty attributes.
        if (value.Length > 0)
        {
            json.WriteString(name, value);
        }
    }
}
