using AuthzWebhook.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddAuthzWebhook(args);

var app = builder.Build();
app.MapAuthzWebhook(args);

return await app.RunAuthzWebhookAsync(args);
