using AuthzWebhook.Hosting;

// Invalid settings or an invalid policy end the process with their problems on stderr and exit code 1.
return await StartupProblems.ReportAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddAuthzWebhook(args);

    var app = builder.Build();
    app.MapAuthzWebhook(args);

    return await app.RunAuthzWebhookAsync(args);
});
