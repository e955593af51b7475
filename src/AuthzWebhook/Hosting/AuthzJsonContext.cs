using System.Text.Json.Serialization;
using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Elevations;
using AuthzWebhook.Identity;
using AuthzWebhook.Notifications;
using AuthzWebhook.RbacAudit;
using AuthzWebhook.Storage.Redis;
using AuthzWebhook.Webhook;

namespace AuthzWebhook.Hosting;

/// <summary>Source-generated JSON for every wire type: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    MaxDepth = 32,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(SubjectAccessReviewDto))]
[JsonSerializable(typeof(DecisionRecord))]
[JsonSerializable(typeof(FeedMessage))]
[JsonSerializable(typeof(WindowPayload))]
[JsonSerializable(typeof(CreateElevationBody))]
[JsonSerializable(typeof(CommentBody))]
[JsonSerializable(typeof(ReasonBody))]
[JsonSerializable(typeof(ExtendBody))]
[JsonSerializable(typeof(ElevationView))]
[JsonSerializable(typeof(ElevationPage))]
[JsonSerializable(typeof(TemplateView[]))]
[JsonSerializable(typeof(TicketClosedView))]
[JsonSerializable(typeof(NotificationEvent))]
[JsonSerializable(typeof(DecisionPage))]
[JsonSerializable(typeof(ChainVerificationView))]
[JsonSerializable(typeof(ActivityView))]
[JsonSerializable(typeof(RbacAuditView))]
[JsonSerializable(typeof(DevelopmentIssuerDiscovery))]
[JsonSerializable(typeof(JsonWebKeySetView))]
[JsonSerializable(typeof(AuthzWebhook.Explain.ExplainBody))]
[JsonSerializable(typeof(AuthzWebhook.Explain.ExplainView))]
[JsonSerializable(typeof(AuthzWebhook.Explain.WhoAmIView))]
[JsonSerializable(typeof(AuthzWebhook.Explain.StatusView))]
[JsonSerializable(typeof(AuthzWebhook.Clients.CliConfigView))]
internal sealed partial class AuthzJsonContext : JsonSerializerContext;
