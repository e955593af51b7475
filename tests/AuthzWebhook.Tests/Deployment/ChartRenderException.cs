namespace AuthzWebhook.Tests.Deployment;

/// <summary><c>helm template</c> refused the values; the message is Helm's, including the chart's own fail text.</summary>
internal sealed class ChartRenderException(string message) : Exception(message);
