namespace Visage.Server.Security;

/// <summary>What a key may do: <c>admin</c> everything; <c>recognize</c> recognize, verify, detect and embed.</summary>
public enum ApiKeyRole
{
    Admin,
    Recognize,
}
