using System.Text.Json.Serialization;
using AuthzWebhook.Decisions;
using AuthzWebhook.Notifications;
using AuthzWebhook.Storage.Redis;
using AuthzWebhook.Webhook;

namespace AuthzWebhook.Hosting;

/// <summary>Source-generated JSON for every wire type: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    MaxDepth = 32)]
[JsonSerializable(typeof(SubjectAccessReviewDto))]
[JsonSerializable(typeof(DecisionRecord))]
[JsonSerializable(typeof(FeedMessage))]
[JsonSerializable(typeof(WindowPayload))]
[JsonSerializable(typeof(NotificationEvent))]
internal sealed partial class AuthzJsonContext : JsonSerializerContext;
