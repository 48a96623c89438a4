using Visage.Storage;

namespace Visage.Search;

/// <summary>
/// A gallery whose every write, once committed, is applied to its search index (see
/// <see cref="GalleryIndex.AfterWriteAsync"/>): what the facade and the enroller write through, so identify
/// answers with a face as soon as its batch is committed, without reading the gallery again.
/// </summary>
internal sealed class IndexedGallery(IGallery inner, GalleryIndex index) : IGallery
{
    public IGallery Inner => inner;
    public GalleryIndex Index => index;
    public string Location => inner.Location;
    public GalleryBinding Binding => inner.Binding;

    public Task<IReadOnlyList<GalleryFace>> GetFacesAsync(CancellationToken ct = default) => inner.GetFacesAsync(ct);
    public Task<string> GetStampAsync(CancellationToken ct = default) => inner.GetStampAsync(ct);

    public Task<(IReadOnlyList<StoredEncoding> Faces, string Stamp)> ReadIndexFacesAsync(CancellationToken ct = default) =>
        inner.ReadIndexFacesAsync(ct);

    public Task<string?> FindImageAsync(string imageSha256, CancellationToken ct = default) => inner.FindImageAsync(imageSha256, ct);
    public Task<IReadOnlyList<Person>> ListPeopleAsync(CancellationToken ct = default) => inner.ListPeopleAsync(ct);
    public Task<byte[]?> GetFaceCropAsync(long faceId, CancellationToken ct = default) => inner.GetFaceCropAsync(faceId, ct);
    public Task<GalleryThreshold?> GetThresholdAsync(CancellationToken ct = default) => inner.GetThresholdAsync(ct);

    public async Task<AddResult> AddAsync(IReadOnlyList<NewFace> faces, CancellationToken ct = default)
    {
        var result = await inner.AddAsync(faces, ct);
        await index.AfterWriteAsync(i =>
        {
            if (result.Added.Count > 0)
                i.Add(result.Added.Select(a => new IndexedFace(a.Id, a.Face.Identity, a.Face.Embedding)).ToList());
        }, erases: false, CancellationToken.None);
        return result;
    }

    public async Task<bool> CreatePersonAsync(string name, CancellationToken ct = default)
    {
        var created = await inner.CreatePersonAsync(name, ct);
        await index.AfterWriteAsync(_ => { }, erases: false, CancellationToken.None);
        return created;
    }

    public async Task<Person> RenamePersonAsync(string name, string newName, CancellationToken ct = default)
    {
        var person = await inner.RenamePersonAsync(name, newName, ct);
        await index.AfterWriteAsync(i => i.RenameIdentity(name, newName), erases: false, CancellationToken.None);
        return person;
    }

    public async Task<int> DeletePersonAsync(string name, CancellationToken ct = default)
    {
        var erased = await inner.DeletePersonAsync(name, ct);
        await index.AfterWriteAsync(i => i.RemoveIdentity(name), erases: true, CancellationToken.None);
        return erased;
    }

    public async Task<Person> MergePeopleAsync(string from, string into, CancellationToken ct = default)
    {
        var person = await inner.MergePeopleAsync(from, into, ct);
        await index.AfterWriteAsync(i => i.RenameIdentity(from, into), erases: false, CancellationToken.None);
        return person;
    }

    public async Task<bool> DeleteFaceAsync(long faceId, CancellationToken ct = default)
    {
        var deleted = await inner.DeleteFaceAsync(faceId, ct);
        await index.AfterWriteAsync(i => i.Remove([faceId]), erases: deleted, CancellationToken.None);
        return deleted;
    }

    public async Task SetThresholdAsync(GalleryThreshold? threshold, CancellationToken ct = default)
    {
        await inner.SetThresholdAsync(threshold, ct);
        await index.AfterWriteAsync(_ => { }, erases: false, CancellationToken.None);
    }

    public void Dispose() => inner.Dispose();
}
