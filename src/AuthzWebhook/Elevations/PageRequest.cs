using System.Globalization;

namespace AuthzWebhook.Elevations;

/// <summary>
/// The <c>limit</c> and <c>cursor</c> of a paged list, read as text so that a bad value gets the same problem details
/// as every other field rather than a bare binding 400.
/// </summary>
internal static class PageRequest
{
    public static (int Size, PageCursor? After) Parse(string? limit, string? cursor, int defaultSize, int maxSize, Dictionary<string, string[]> errors)
    {
        var size = defaultSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 || size > maxSize))
        {
            errors["limit"] = [$"must be a whole number from 1 to {maxSize}"];
        }

        PageCursor? after = null;
        if (cursor is not null)
        {
            if (PageCursor.TryParse(cursor, out var parsed))
            {
                after = parsed;
            }
            else
            {
                errors["cursor"] = ["is not a cursor from a previous page's next_cursor"];
            }
        }

        return (size, after);
    }
}
