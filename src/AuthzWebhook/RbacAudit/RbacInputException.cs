namespace AuthzWebhook.RbacAudit;

/// <summary>The input is not what <c>kubectl get … -o json</c> writes; the message names where and what.</summary>
internal sealed class RbacInputException(string message) : Exception(message);
