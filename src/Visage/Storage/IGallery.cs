namespace Visage.Storage;

/// <summary>
/// Enrolled people and their faces, all encoded by one pipeline (the gallery is bound to its fingerprint).
/// An image is enrolled at most once (by the SHA-256 of its bytes); every write is one transaction, so a
/// failed or interrupted write leaves the gallery as it was. Person names given here are already normalised
/// (NFC, checked by the caller).
/// </summary>
internal interface IGallery : IDisposable
{
    /// <summary>Where the gallery lives, for messages.</summary>
    string Location { get; }

    /// <summary>The pipeline the gallery's encodings come from.</summary>
    GalleryBinding Binding { get; }

    Task<IReadOnlyList<GalleryFace>> GetFacesAsync(CancellationToken ct = default);

    /// <summary>
    /// A word that changes with every change to faces and names ("STORE-ID:CHANGE"): a search index saved at a
    /// stamp is current while the store's stamp is the same.
    /// </summary>
    Task<string> GetStampAsync(CancellationToken ct = default);

    /// <summary>Every face's id, person and encoding (nothing else), with the stamp they were read at.</summary>
    Task<(IReadOnlyList<StoredEncoding> Faces, string Stamp)> ReadIndexFacesAsync(CancellationToken ct = default);

    /// <summary>Adds a person with no face yet; returns false when the name exists already.</summary>
    Task<bool> CreatePersonAsync(string name, CancellationToken ct = default);

    /// <summary>The person an image is enrolled under, or null.</summary>
    Task<string?> FindImageAsync(string imageSha256, CancellationToken ct = default);

    /// <summary>Adds faces in one transaction; images enrolled already are reported, not added again.</summary>
    Task<AddResult> AddAsync(IReadOnlyList<NewFace> faces, CancellationToken ct = default);

    /// <summary>Everyone enrolled, by name.</summary>
    Task<IReadOnlyList<Person>> ListPeopleAsync(CancellationToken ct = default);

    /// <summary>Renames a person; fails when there is no such person or the new name is taken.</summary>
    Task<Person> RenamePersonAsync(string name, string newName, CancellationToken ct = default);

    /// <summary>
    /// Erases a person: every encoding, face crop and record of them, in one transaction, then reclaims the
    /// space so the data is gone from the file too. Returns how many faces were erased.
    /// </summary>
    Task<int> DeletePersonAsync(string name, CancellationToken ct = default);

    /// <summary>Moves every face of <paramref name="from"/> to <paramref name="into"/> and removes <paramref name="from"/>.</summary>
    Task<Person> MergePeopleAsync(string from, string into, CancellationToken ct = default);

    /// <summary>Erases one face; a person left with no face is removed. False when there was no such face.</summary>
    Task<bool> DeleteFaceAsync(long faceId, CancellationToken ct = default);

    /// <summary>The stored JPEG crop of a face, or null.</summary>
    Task<byte[]?> GetFaceCropAsync(long faceId, CancellationToken ct = default);

    /// <summary>The threshold calibrated for this gallery, or null when it has none.</summary>
    Task<GalleryThreshold?> GetThresholdAsync(CancellationToken ct = default);

    /// <summary>Stores a threshold; null removes it (the model's applies again).</summary>
    Task SetThresholdAsync(GalleryThreshold? threshold, CancellationToken ct = default);
}
