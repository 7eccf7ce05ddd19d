package audit

// Category is one of the five IES learning categories, by canonical name.
type Category string

// The five canonical learning categories, in the order the IES lists them.
const (
	FormalLearning       Category = "Formal Learning"
	WorkBasedLearning    Category = "Work-Based Learning"
	ProfessionalActivity Category = "Professional Activity"
	SelfDirectedLearning Category = "Self-Directed Learning"
	OtherCategory        Category = "Other"
)

// NumCategories is the number of learning categories.
const NumCategories = 5

// Categories lists the five categories in their canonical order. Every
// table and chart uses this order so output never depends on map order.
var Categories = [NumCategories]Category{
	FormalLearning, WorkBasedLearning, ProfessionalActivity, SelfDirectedLearning, OtherCategory,
}

// Index returns the category's position in Categories, or -1 when c is not
// one of the five canonical names.
func (c Category) Index() int {
	for i, k := range Categories {
		if k == c {
			return i
		}
	}
	return -1
}

// Valid reports whether c is one of the five canonical names.
func (c Category) Valid() bool { return c.Index() >= 0 }
