namespace AuthzWebhook.Policy;

/// <summary>How many elevation windows this replica holds under a template: what a change to that template reaches at once.</summary>
internal interface ITemplateUse
{
    int LiveWindows(string template);
}
