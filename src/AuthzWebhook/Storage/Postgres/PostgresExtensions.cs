using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthzWebhook.Storage.Postgres;

internal static class PostgresExtensions
{
    public static IServiceCollection AddPostgres(this IServiceCollection services)
    {
        services.AddOptions<PostgresOptions>().BindConfiguration(PostgresOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PostgresOptions>, PostgresOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var builder = new NpgsqlDataSourceBuilder(sp.GetRequiredService<IOptions<PostgresOptions>>().Value.ConnectionString);
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builder.Build();
        });
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<PostgresWindowStore>();
        services.AddHostedService<MigrateOnStartService>();
        return services;
    }
}
