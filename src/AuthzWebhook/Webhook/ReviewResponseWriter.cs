using System.Buffers;
using System.Text.Json;

namespace AuthzWebhook.Webhook;

/// <summary>
/// Writes the answer: <c>apiVersion</c> (the request's), <c>kind</c> and <c>status</c> only. <c>allowed</c> is always
/// present; <c>denied</c> and <c>evaluationError</c> only when they say something. Never both allowed and denied:
/// the API server turns that into an HTTP 500 for the user.
/// </summary>
internal static class ReviewResponseWriter
{
    public static void Write(IBufferWriter<byte> output, string apiVersion, in ReviewAnswer answer)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("apiVersion"u8, apiVersion);
        json.WriteString("kind"u8, ReviewParser.Kind);
        json.WriteStartObject("status"u8);
        json.WriteBoolean("allowed"u8, answer.Allowed);
        if (answer.Denied && !answer.Allowed)
        {
            json.WriteBoolean("denied"u8, true);
        }

        json.WriteString("reason"u8, answer.Reason);
        if (answer.EvaluationError is not null)
        {
            json.WriteString("evaluationError"u8, answer.EvaluationError);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
