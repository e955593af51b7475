using AuthzWebhook.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddAuthzWebhook(args);

var app = builder.Build();
app.MapAuthzWebhook();

return await app.RunAuthzWebhookAsync(args);
