using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthzWebhook.Storage.Redis;

internal static class RedisExtensions
{
    public static IServiceCollection AddRedis(this IServiceCollection services)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var configuration = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration);
            // Start without Redis and keep reconnecting: Redis is a hot copy, never a reason to refuse to start.
            configuration.AbortOnConnectFail = false;
            // One attempt at start (a retry count here would block start-up while Redis is away); afterwards the
            // multiplexer keeps reconnecting in the background by itself.
            configuration.ConnectRetry = 1;
            configuration.ReconnectRetryPolicy ??= new ExponentialRetry(250, 5000);
            return ConnectionMultiplexer.Connect(configuration);
        });
        services.AddSingleton<RedisWindowCache>();
        return services;
    }
}
