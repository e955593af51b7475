namespace AuthzWebhook.Hosting;

/// <summary>A problem found while starting that the operator fixes (a file that is not what a setting says), worded for them: printed alone, exit code 1.</summary>
internal sealed class StartupProblemException(string message, Exception? inner = null) : Exception(message, inner);
