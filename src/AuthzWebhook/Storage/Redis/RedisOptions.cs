namespace AuthzWebhook.Storage.Redis;

internal sealed class RedisOptions
{
    public const string Section = "AuthzWebhook:Redis";

    /// <summary>StackExchange.Redis configuration string, e.g. <c>redis:6379,password=...,ssl=true</c>.</summary>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>Prefix of every key and channel, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "authzwebhook:";
}
