namespace Visage.Json;

/// <summary>
/// A change to a person: <c>{"gallery","change","person","previousName","facesErased"}</c>; change is renamed,
/// merged or deleted, <c>person</c> is the person afterwards (null once deleted), <c>previousName</c> the name
/// the change was asked for.
/// </summary>
public sealed record PersonChangeJson(string Gallery, string Change, PersonJson? Person, string PreviousName, int? FacesErased);
