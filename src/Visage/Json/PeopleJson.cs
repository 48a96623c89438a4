namespace Visage.Json;

/// <summary>The people of a gallery: <c>{"gallery","people"}</c>.</summary>
public sealed record PeopleJson(string Gallery, IReadOnlyList<PersonJson> People);
